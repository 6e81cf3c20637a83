/**
 * Model bundles (docs/bundle-format.md): {@code ModelBundle} opens a folder or archive, checks the manifest and every
 * module's SHA-256 ({@code FileChecksums}), and gives the bundle's fingerprint (the SHA-256 of its manifest) and chunk
 * grid; {@code InvalidBundleException} says what is wrong with which file.
 *
 * <p>May import: {@code io.swiftvr.planner} (the chunk grid), Gson, Commons Compress. No DJL, no Spark.
 */
package io.swiftvr.udf.bundle;

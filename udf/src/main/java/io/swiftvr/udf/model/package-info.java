/**
 * The model on DJL's PyTorch engine: {@code RestorerModel} (one per JVM and device, cached by {@code ModelCache}),
 * {@code StreamingRestorer} (one stream's chunks with the state kept on the device), host buffers and asynchronous
 * device-to-host copies ({@code HostBufferPool}, {@code CudaHostCopies}), stage timings.
 *
 * <p>May import: DJL (API and the PyTorch engine's JNI handles), {@code io.swiftvr.udf.bundle},
 * {@code io.swiftvr.udf.color}. No Spark.
 */
package io.swiftvr.udf.model;

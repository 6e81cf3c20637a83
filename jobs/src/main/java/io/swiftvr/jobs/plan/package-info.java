/**
 * The plan of a run ({@code plan.json}): the inputs listed and identified, each video probed and cut into shards,
 * keyed by its identity and every effective parameter; rejected inputs with their reason. Self-contained: the later
 * stages read nothing else to know what to do.
 *
 * <p>May import: storage, and the udf and planner modules. No Spark.
 */
package io.swiftvr.jobs.plan;

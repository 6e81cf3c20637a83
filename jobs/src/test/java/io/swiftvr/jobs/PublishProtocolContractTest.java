package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.plan.JobPlan;
import io.swiftvr.jobs.plan.JobPlanner;
import io.swiftvr.jobs.plan.VideoPlan;
import io.swiftvr.jobs.restore.ShardTask;
import io.swiftvr.jobs.restore.ShardTaskRunner;
import io.swiftvr.jobs.restore.TaskEnvironment;
import io.swiftvr.jobs.state.OutcomeRows;
import io.swiftvr.jobs.state.ShardOutcome;
import io.swiftvr.jobs.storage.HadoopSettings;
import io.swiftvr.jobs.storage.Location;
import io.swiftvr.jobs.storage.Storage;
import io.swiftvr.planner.Shard;
import io.swiftvr.udf.TestBundles;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The publish protocol of one shard ({@link ShardTaskRunner}), run as plain Java without Spark, on both storages the
 * job writes to: local disk and S3 (an in-process S3-compatible server). The same contract holds on each: a restored
 * segment appears under its final name with its outcome row and no scratch file; a finished shard is reused, not
 * restored again; a failure before publishing leaves no file under the final name, a {@code failed} row, and a rerun
 * that restores it.
 */
class PublishProtocolContractTest {
  @RegisterExtension
  final S3ProxyExtension s3 = S3ProxyExtension.builder().withCredentials("access", "secret")
      .withBlobStoreProvider("transient").build();

  @AfterEach
  void clearHook() {
    ShardTaskRunner.beforePublish = task -> { };
  }

  private String outputFolder(String storage, Path local, Path buffers) {
    if (storage.equals("local")) {
      return local.toString();
    }
    URI endpoint = s3.getUri();
    try (S3Client client = S3Client.builder().endpointOverride(endpoint).forcePathStyle(true).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .build()) {
      client.createBucket(b -> b.bucket("library"));
    }
    HadoopSettings.use(Map.of(
        "spark.hadoop.fs.s3a.endpoint", "http://" + endpoint.getHost() + ":" + endpoint.getPort(),
        "spark.hadoop.fs.s3a.endpoint.region", "us-east-1",
        "spark.hadoop.fs.s3a.path.style.access", "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled", "false",
        "spark.hadoop.fs.s3a.access.key", "access",
        "spark.hadoop.fs.s3a.secret.key", "secret",
        "spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "spark.hadoop.fs.s3a.buffer.dir", buffers.toString(),
        "spark.hadoop.fs.s3a.impl.disable.cache", "true"));
    return "s3a://library/out";
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "s3"})
  void aShardIsPublishedWholeOrNotAtAll(String storageKind, @TempDir Path local, @TempDir Path buffers)
      throws Exception {
    String output = outputFolder(storageKind, local, buffers);
    // A small crop of the real sample, two shards long: the protocol, not the model, is under test.
    Path clip = EdgeClips.write(local.resolve("clip.mp4"), new EdgeClips.Spec(96, 64, 36, 0, null));
    JobPlan plan = JobPlanner.plan(Main.parseRunOptions(List.of("--output", output, "--model",
        TestBundles.tinyDir().toString(), "--input", clip.toString(), "--chunks-per-shard", "1")));
    plan.write();
    VideoPlan video = plan.videos().get(0);
    Storage storage = plan.storage();
    Shard first = video.shards().get(0);
    Shard second = video.shards().get(1);
    String firstSegment = segment(plan, video, first);

    ShardOutcome restored = run(plan, video, first);
    assertEquals("restored", restored.status(), restored.error());
    assertEquals(firstSegment, restored.segment());
    assertTrue(storage.exists(firstSegment));
    assertEquals("restored", row(plan, video, first).status());
    long published = storage.info(firstSegment).modified();

    ShardOutcome again = run(plan, video, first);
    assertEquals("reused", again.status(), "a finished shard is not restored again");
    assertEquals(published, storage.info(firstSegment).modified());

    ShardTaskRunner.beforePublish = task -> {
      throw new IllegalStateException("the executor was lost");
    };
    ShardOutcome failed = run(plan, video, second);
    assertEquals("failed", failed.status());
    assertFalse(failed.permanent(), "a lost executor may pass: a rerun tries again");
    assertTrue(failed.error().contains("the executor was lost"), failed.error());
    assertFalse(storage.exists(segment(plan, video, second)), "nothing under the final name");
    assertEquals("failed", row(plan, video, second).status());

    ShardTaskRunner.beforePublish = task -> { };
    assertEquals("restored", run(plan, video, second).status(), "the rerun restores what failed");
    assertEquals(List.of("restored", "restored"), OutcomeRows.read(plan).get(video.key()).stream()
        .map(ShardOutcome::status).toList());
    for (String dir : List.of(plan.stagingDir(video), plan.outcomesDir(video))) {
      List<String> names = storage.list(dir, true).stream().map(f -> Location.of(f.location()).toString()).toList();
      assertTrue(names.stream().noneMatch(n -> n.contains(".tmp-")), "no scratch file left: " + names);
    }
  }

  private static ShardOutcome run(JobPlan plan, VideoPlan video, Shard shard) {
    return ShardTaskRunner.run(ShardTask.of(plan, video, shard, false), TaskEnvironment.NONE, n -> { });
  }

  private static String segment(JobPlan plan, VideoPlan video, Shard shard) {
    return Location.of(plan.stagingDir(video)).resolve(shard.segmentName() + ".mp4").toString();
  }

  private static ShardOutcome row(JobPlan plan, VideoPlan video, Shard shard) throws Exception {
    return OutcomeRows.readOne(plan.storage(), OutcomeRows.location(plan.outcomesDir(video), shard.segmentName()));
  }
}

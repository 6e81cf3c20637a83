package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.jobs.cli.Main;
import io.swiftvr.jobs.spark.RestoreJob;
import io.swiftvr.jobs.state.VideoOutcome;
import io.swiftvr.media.VideoProber;
import io.swiftvr.planner.TestMedia;
import io.swiftvr.planner.VideoProbe;
import io.swiftvr.udf.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The job over S3 through S3A, against an in-process S3-compatible server: bundle, inputs and outputs on S3. */
class S3JobTest {
  @RegisterExtension
  final S3ProxyExtension s3 = S3ProxyExtension.builder().withCredentials("access", "secret")
      .withBlobStoreProvider("transient").build();

  private S3Client client;
  private JavaSparkContext spark;

  @BeforeEach
  void start(@TempDir Path buffers) throws Exception {
    client = S3Client.builder().endpointOverride(s3.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .build();
    client.createBucket(b -> b.bucket("models"));
    client.createBucket(b -> b.bucket("library"));
    Path bundle = TestBundles.tinyDir();
    try (Stream<Path> files = Files.walk(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String key = "tiny/" + bundle.relativize(f).toString().replace('\\', '/');
        client.putObject(b -> b.bucket("models").key(key), RequestBody.fromFile(f));
      }
    }
    URI endpoint = s3.getUri();
    SparkConf conf = new SparkConf();
    // The committer settings of the S3A fragment users append to their profile; the rest is this test's server.
    ClusterProfilesTest.read(TestMedia.repoRoot().resolve("cluster-conf/fragments/s3a.conf"), "s3a").forEach(
        (key, value) -> {
          if (key.contains("committer")) {
            conf.set(key, value);
          }
        });
    spark = new JavaSparkContext(conf.setMaster("local[1]").setAppName("S3JobTest")
        .set("spark.ui.enabled", "false")
        .set("spark.hadoop.fs.s3a.endpoint", "http://" + endpoint.getHost() + ":" + endpoint.getPort())
        .set("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .set("spark.hadoop.fs.s3a.path.style.access", "true")
        .set("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .set("spark.hadoop.fs.s3a.access.key", "access")
        .set("spark.hadoop.fs.s3a.secret.key", "secret")
        .set("spark.hadoop.fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .set("spark.hadoop.fs.s3a.buffer.dir", buffers.toString())
        // Each test has its own server on its own port; S3A's per-bucket client cache would keep the old one.
        .set("spark.hadoop.fs.s3a.impl.disable.cache", "true"));
  }

  @AfterEach
  void stop() {
    spark.close();
    client.close();
  }

  private RestoreJob.Result run(String... args) throws Exception {
    return RestoreJob.run(Main.parseRunOptions(List.of(args)), spark, new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void restoresWithABundleFromS3(@TempDir Path out) throws Exception {
    RestoreJob.Result result = run("--input", TestMedia.realShort().toString(), "--output", out.toString(),
        "--model", "s3a://models/tiny");
    assertEquals("restored", result.videos().get(0).status(), String.valueOf(result.videos().get(0).error()));
    assertEquals("s3a://models/tiny", result.plan().modelDir(), "executors fetch the bundle themselves");
    assertEquals(TestBundles.tiny().fingerprint(), result.plan().modelFingerprint());
    try (Stream<Path> cached = Files.list(out.resolve(".swiftvr/bundles"))) {
      assertTrue(cached.anyMatch(p -> p.getFileName().toString().startsWith("s3-")), "fetched once into the cache");
    }
  }

  @Test
  void restoresALibraryOnS3IntoS3(@TempDir Path downloads) throws Exception {
    client.putObject(b -> b.bucket("library").key("films/realshort.mp4"), RequestBody.fromFile(TestMedia.realShort()));
    client.putObject(b -> b.bucket("library").key("films/notes.mp4"), RequestBody.fromString("not a video"));

    RestoreJob.Result result = run("--input", "s3a://library/films/", "--output", "s3a://library/restored",
        "--model", "s3a://models/tiny", "--spread", "2");

    VideoOutcome good = result.videos().stream().filter(VideoOutcome::ok).findFirst().orElseThrow();
    assertEquals("s3a://library/films/realshort.mp4", good.input());
    assertEquals("s3a://library/restored/realshort.swiftvr.mp4", good.output());
    assertEquals(1, result.videos().stream().filter(v -> "failed".equals(v.status())).count());
    Path restored = downloads.resolve("restored.mp4");
    client.getObject(b -> b.bucket("library").key("restored/realshort.swiftvr.mp4"), restored);
    VideoProbe source = new VideoProber().probe(TestMedia.realShort().toString());
    VideoProbe copy = new VideoProber().probe(restored.toString());
    assertEquals(source.frameCount(), copy.frameCount());
    assertArrayEquals(MediaAssertions.frameSeconds(source), MediaAssertions.frameSeconds(copy), 1e-6);
    assertEquals(MediaAssertions.audioPackets(TestMedia.realShort().toString()),
        MediaAssertions.audioPackets(restored.toString()));
    String videosCsv = client.getObjectAsBytes(b -> b.bucket("library").key("restored/report/videos.csv"))
        .asUtf8String();
    assertTrue(videosCsv.contains("s3a://library/films/notes.mp4"), videosCsv);
    // S3A's committers write a JSON manifest as _SUCCESS (the classic committer an empty file): the Parquet tables
    // went through the magic committer.
    String success = client.getObjectAsBytes(b -> b.bucket("library").key("restored/report/shards.parquet/_SUCCESS"))
        .asUtf8String();
    assertTrue(success.contains("\"committer\":\"magic\"")
        && success.contains("\"filenames\":[\"/restored/report/shards.parquet/part-"),
        "_SUCCESS of shards.parquet: " + success.substring(0, Math.min(400, success.length())));
    List<String> keys = client.listObjectsV2(b -> b.bucket("library").prefix("restored/")).contents().stream()
        .map(o -> o.key()).toList();
    // (S3A keeps an empty marker for the staging folder itself; no segment or temporary object is left.)
    assertTrue(keys.stream().noneMatch(k -> k.matches(".*/staging/.+") || k.contains(".tmp")),
        "no staging or temporary objects left: " + keys);

    RestoreJob.Result again = run("--input", "s3a://library/films/", "--output", "s3a://library/restored",
        "--model", "s3a://models/tiny", "--spread", "2");
    assertEquals("reused", again.videos().stream().filter(VideoOutcome::ok).findFirst().orElseThrow().status());
    assertTrue(again.shards().isEmpty(), "nothing restored twice");
  }
}

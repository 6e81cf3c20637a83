package io.swiftvr.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swiftvr.planner.TestMedia;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The model bundle read from S3 through S3A (an in-process S3-compatible server), verified and used. */
class S3BundleTest {
  @RegisterExtension
  static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret")
      .withBlobStoreProvider("transient").build();

  @Test
  void restoresWithABundleFromS3(@TempDir Path out) throws Exception {
    try (S3Client client = S3Client.builder().endpointOverride(S3.getUri()).forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
        .build()) {
      client.createBucket(b -> b.bucket("models"));
      Path bundle = TestBundles.tinyDir();
      try (Stream<Path> files = Files.walk(bundle)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String key = "tiny/" + bundle.relativize(f).toString().replace('\\', '/');
          client.putObject(b -> b.bucket("models").key(key), RequestBody.fromFile(f));
        }
      }
    }
    URI endpoint = S3.getUri();
    SparkConf conf = new SparkConf().setMaster("local[1]").setAppName("S3BundleTest").set("spark.ui.enabled", "false")
        .set("spark.hadoop.fs.s3a.endpoint", "http://" + endpoint.getHost() + ":" + endpoint.getPort())
        .set("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .set("spark.hadoop.fs.s3a.path.style.access", "true")
        .set("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .set("spark.hadoop.fs.s3a.access.key", "access")
        .set("spark.hadoop.fs.s3a.secret.key", "secret")
        .set("spark.hadoop.fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .set("spark.hadoop.fs.s3a.buffer.dir", out.resolve("s3a-buffer").toString());
    try (JavaSparkContext spark = new JavaSparkContext(conf)) {
      JobOptions options = JobOptions.parse(List.of("--input", TestMedia.realShort().toString(),
          "--output", out.toString(), "--model", "s3a://models/tiny"));
      RestoreJob.Result result = RestoreJob.run(options, spark, new PrintStream(new ByteArrayOutputStream()));
      assertEquals("restored", result.videos().get(0).status(), String.valueOf(result.videos().get(0).error()));
      assertEquals("s3a://models/tiny", result.plan().modelDir(), "executors fetch the bundle themselves");
      assertEquals(TestBundles.tiny().fingerprint(), result.plan().modelFingerprint());
      try (Stream<Path> cached = Files.list(out.resolve(".swiftvr/bundles"))) {
        assertTrue(cached.anyMatch(p -> p.getFileName().toString().startsWith("s3-")), "fetched once into the cache");
      }
    }
  }
}

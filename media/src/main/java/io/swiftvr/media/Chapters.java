package io.swiftvr.media;

import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avformat.AVChapter;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A container's chapters (id, time base, start, end, title), read from one file and written to another. FFmpeg has
 * no public call to add a chapter, so the array is allocated here with FFmpeg's allocator, which
 * {@code avformat_free_context} later frees.
 */
public record Chapters(List<Chapter> list) {

  /** One chapter; times are in {@code timeBaseNum/timeBaseDen} units. */
  public record Chapter(long id, int timeBaseNum, int timeBaseDen, long start, long end, String title) {
    /** "title start-end" in seconds, comparable across containers with different clocks. */
    public String describe() {
      double unit = (double) timeBaseNum / timeBaseDen;
      return String.format(java.util.Locale.ROOT, "%s %.3f-%.3f", title, start * unit, end * unit);
    }
  }

  public List<String> describe() {
    return list.stream().map(Chapter::describe).toList();
  }

  public static Chapters of(AVFormatContext ctx) {
    List<Chapter> chapters = new ArrayList<>();
    for (int i = 0; i < ctx.nb_chapters(); i++) {
      AVChapter c = ctx.chapters(i);
      AVDictionaryEntry title = av_dict_get(c.metadata(), "title", null, 0);
      chapters.add(new Chapter(c.id(), c.time_base().num(), c.time_base().den(), c.start(), c.end(),
          title == null || title.isNull() ? null : title.value().getString()));
    }
    return new Chapters(List.copyOf(chapters));
  }

  /** Gives {@code out} these chapters; call before the header is written. */
  public void writeTo(AVFormatContext out) {
    if (list.isEmpty()) {
      return;
    }
    PointerPointer<Pointer> array = new PointerPointer<>(av_mallocz((long) list.size() * Loader.sizeof(Pointer.class)));
    for (int i = 0; i < list.size(); i++) {
      Chapter c = list.get(i);
      AVChapter chapter = new AVChapter(av_mallocz(Loader.sizeof(AVChapter.class)));
      chapter.id(c.id());
      chapter.time_base(new AVRational().num(c.timeBaseNum()).den(c.timeBaseDen()));
      chapter.start(c.start());
      chapter.end(c.end());
      if (c.title() != null) {
        AVDictionary metadata = new AVDictionary(null);
        av_dict_set(metadata, "title", c.title(), 0); // JavaCPP writes the new dictionary's address back
        chapter.metadata(metadata);
      }
      array.put(i, chapter);
    }
    out.chapters(array);
    out.nb_chapters(list.size());
  }
}

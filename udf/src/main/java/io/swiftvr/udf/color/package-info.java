/**
 * Colour fidelity ({@code --color-fix}): {@code ColorFix} (none, wavelet, adain), {@code ColorMatch} (the fixes as
 * NDArray operations on the model's device) and {@code ColorCorrector} (one stream's fix, each output frame matched
 * to the input frame it restores across the decoder's lag).
 *
 * <p>May import: DJL's API. Nothing of the engine, Spark or FFmpeg.
 */
package io.swiftvr.udf.color;

"""SwiftVR restorer: ReAE + one-step MFSWA DiT, exported to TorchScript for the Java pipeline."""

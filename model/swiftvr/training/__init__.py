"""The parts of python3 -m swiftvr.train: the batched forward pass (batched), checkpoints (checkpoint), the
experiment variants (experiments) and weight averaging (python3 -m swiftvr.training.average_weights). Logs and
the record of the runs live in model/training/."""

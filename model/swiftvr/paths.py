"""Where the model side's files live in the repository, found from this package's place in it (the package is
used from the source tree: installed editable, or run with model/ as the working directory or on PYTHONPATH).
model/data holds the photo and footage lists and the fetched cache, model/eval the evaluation sets and crops;
the code that reads and writes them is swiftvr.data and swiftvr.eval."""

import os

MODEL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(MODEL_DIR)
DATA_DIR = os.path.join(MODEL_DIR, "data")
EVAL_DIR = os.path.join(MODEL_DIR, "eval")

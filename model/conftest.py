"""The one conftest of the model side (model/pyproject.toml makes model/ the rootdir and puts it on sys.path, so
`swiftvr` imports without installing). Shared test helpers are modules of swiftvr.testing, not conftests."""

import os

import torch

torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

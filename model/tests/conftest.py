import os
import sys

import torch

# the package lives beside this folder; tests run from model/ or from anywhere
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))

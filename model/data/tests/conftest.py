import os
import sys

# model/data modules import each other by plain name (they also run as scripts)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

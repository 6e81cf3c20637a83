import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.dirname(os.path.dirname(HERE))
for p in (os.path.join(MODEL, "data"), os.path.join(MODEL, "training"), MODEL):
    sys.path.insert(0, p)

import os
import sys

# Tests import their helpers as `fixtures`.
sys.path.insert(0, os.path.dirname(__file__))

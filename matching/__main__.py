import gc
import sys

from matching.cli import main

# A one-shot process: the hundreds of thousands of objects a large event is made of hold no
# reference cycles, so the cyclic collector would only re-scan them, over and over; that was
# about 40 % of the wall time of solving the benchmark's L event.
gc.disable()
sys.exit(main())

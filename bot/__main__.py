import gc
import os
import sys

# Importing the bot makes some 230,000 objects that live as long as the process and hardly any
# garbage: the cyclic collector would only walk them again and again, a fifth of the CPU that
# `python -m bot` takes to start (docs/benchmarks.md, "the suite's processes"). It is off while
# they are made, then they are frozen out of its sight and it runs again as usual.
gc.disable()
from bot.cli import main  # noqa: E402

gc.freeze()
gc.enable()

try:
    code = main()
    sys.stdout.flush()  # here, not at exit, where a broken pipe could not be caught
except BrokenPipeError:
    # The reader of the output went away (`scripts/run import list.xlsx | head`): what was done
    # is done, the rest of the output has nowhere to go, and no traceback follows it there.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
sys.exit(code)

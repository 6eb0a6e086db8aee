import os
import sys

from bot.cli import main

try:
    code = main()
    sys.stdout.flush()  # here, not at exit, where a broken pipe could not be caught
except BrokenPipeError:
    # The reader of the output went away (`scripts/run import list.xlsx | head`): what was done
    # is done, the rest of the output has nowhere to go, and no traceback follows it there.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
sys.exit(code)

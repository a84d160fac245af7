import sys

from ouvert.cli import main

sys.exit(main())

"""gongshi (公示): the static site generator of the Ningxia 人社 law-enforcement disclosure platform.

The build is a pipeline of small stages (see ``pipeline.py``); ``build()`` is the one entry point.
"""

__version__ = "0.1.0"

"""The render stage: the site model in, every output of the site written.

``kinds.py`` declares each kind of output once; ``routes.py`` makes every URL; ``schedule.py``
renders and writes them phase by phase.  The renderers: ``pages.py`` (HTML pages, through
``html.py`` and the templates of ``generator/theme/``), ``exports.py``, ``feeds.py``,
``sitemap.py`` and ``manifest.py``.  Kept free of imports here: the load side imports
``routes`` alone.
"""

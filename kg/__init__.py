"""kg: build a knowledge graph of people, organizations, products, markets and events.

The pipeline runs one way: documents -> mentions -> entities -> relations -> RDF graph,
then query, export or visualize. Importing this package loads neither spaCy nor rdflib.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

"""Extraction stages: mentions from text (:mod:`kg.extract.ner`), relations between
entities (:mod:`kg.extract.relations`) and amounts (:mod:`kg.extract.quantities`)."""

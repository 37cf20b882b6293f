"""Extraction stages: mentions from text (:mod:`kg.mentions`), relations between
entities (:mod:`kg.extract.relations`) and amounts (:mod:`kg.extract.quantities`)."""

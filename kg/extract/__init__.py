"""Extraction stages: mentions from text (:mod:`kg.mentions`), relations between
entities (:mod:`kg.relations`) and amounts (:mod:`kg.extract.quantities`)."""

"""The extract stage: event candidates (trigger, actors, places, times, modality, attribution,
quantities) from a spaCy parse. Spans only; resolving them to codes is the resolve stage's job."""

from sitroom.extract.attribution import attribution_of
from sitroom.extract.core import extract
from sitroom.extract.modality import modality_of
from sitroom.extract.quantities import quantities_of

__all__ = ["attribution_of", "extract", "modality_of", "quantities_of"]

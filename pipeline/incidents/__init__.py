"""Cross-document incident clustering: one incident, many articles.

Stages of this package, in the order an event meets them:

- ``observations``: an extracted event reduced to the evidence (type, date span, places, actors, figures);
- ``blocking``: which known incidents it is compared with (country and week, named actors);
- ``evidence``: the weighted, explained evidence for a merge, and the vetoes;
- ``cluster``: the incremental clusterer (stable incident ids) and ``profile``: what an incident knows;
- ``store``: the database stage (``news-pipeline incidents``), incremental over a growing archive;
- ``records``: the incident record (JSONL); ``export``: the ACLED/GTD-style table, one row per incident;
- ``metrics``, ``ecbplus``, ``muc4``, ``evaluate``: coreference scores and the two evaluations
  (``python -m pipeline.incidents.evaluate``; docs/incidents.md).
"""
from .cluster import Incident, IncidentClusterer, cluster
from .evidence import ClusteringConfig, compare
from .observations import Observation, from_record, incident_id

__all__ = ["ClusteringConfig", "Incident", "IncidentClusterer", "Observation", "cluster", "compare", "from_record",
           "incident_id"]

"""Where chunks are kept: a Chroma collection (embedded or on a server) and the files beside it.

Words, each meaning one thing across the code:

- **collection**: the Chroma collection of one embedding model, holding chunks with their
  vectors and metadata (:class:`ChunkStore`, :mod:`careerbot.store.collection`);
- **stored id** and **chunk id**: a chunk version's id in the collection, and the chunk's id
  across versions (:mod:`careerbot.store.schema`, the only place that builds or parses them);
- **generation**: the value each finished ingest that changed something replaces, kept in the
  collection's metadata (for embedded Chroma also in the **stamp** file beside it), which
  readers watch (:mod:`careerbot.store.generation`); **titles**: the side file listing the
  stored articles' titles (:mod:`careerbot.store.sidecar`);
- **record manager**: the SQLite records ``langchain_core.indexing.index`` keeps of which stored
  ids the collection holds (:mod:`careerbot.store.records`);
- **keyword index**: the BM25 index built from the collection's texts, which retrieval owns.

Messages to users still say "the index" for the collection: it is what they build with
``careerbot ingest``.
"""

from careerbot.store.chroma import READ_PAGE_ROWS, ChunkStore
from careerbot.store.collection import (
    REBUILD_HINT,
    CollectionHandle,
    collection_name,
    forget_cached_clients,
)
from careerbot.store.hits import Hit
from careerbot.store.records import SQLiteRecordManager, records_path
from careerbot.store.recovery import set_aside_local_index
from careerbot.store.schema import (
    StoredChunk,
    chunk_id,
    chunk_metadata,
    section_key,
    stored_chunk,
    stored_id,
    stored_id_of,
    to_passage,
)
from careerbot.store.sidecar import Sidecar

__all__ = [
    "READ_PAGE_ROWS",
    "REBUILD_HINT",
    "ChunkStore",
    "CollectionHandle",
    "Hit",
    "SQLiteRecordManager",
    "Sidecar",
    "StoredChunk",
    "chunk_id",
    "chunk_metadata",
    "collection_name",
    "forget_cached_clients",
    "records_path",
    "section_key",
    "set_aside_local_index",
    "stored_chunk",
    "stored_id",
    "stored_id_of",
    "to_passage",
]

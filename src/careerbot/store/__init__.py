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
- **database**: the SQL database of state shared by every editor and replica (SQLite in the
  data dir, or PostgreSQL; :mod:`careerbot.store.database`, tables in
  :mod:`careerbot.store.tables`, migrated by Alembic);
- **record manager**: the records ``langchain_core.indexing.index`` keeps in it of which
  stored ids the collection holds (:mod:`careerbot.store.records`);
- **stored articles**: the corpus articles the pages show, kept in it by each ingest
  (:mod:`careerbot.store.articles`);
- **keyword index**: the BM25 index built from the collection's texts, which retrieval owns.

Messages to users still say "the index" for the collection: it is what they build with
``careerbot ingest``.
"""

from careerbot.store.articles import ArticleTable, StoredArticle
from careerbot.store.chroma import READ_PAGE_ROWS, ChunkStore
from careerbot.store.collection import (
    REBUILD_HINT,
    CollectionHandle,
    collection_name,
    forget_cached_clients,
)
from careerbot.store.database import Database
from careerbot.store.hits import Hit
from careerbot.store.records import SQLRecordManager
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
    "ArticleTable",
    "CollectionHandle",
    "Database",
    "Hit",
    "SQLRecordManager",
    "Sidecar",
    "StoredArticle",
    "StoredChunk",
    "chunk_id",
    "chunk_metadata",
    "collection_name",
    "forget_cached_clients",
    "section_key",
    "set_aside_local_index",
    "stored_chunk",
    "stored_id",
    "stored_id_of",
    "to_passage",
]

"""The open register: stable identifiers, linked data, the DCAT catalogue, feeds, bulk export.

Everything here reads only what the public may read (vocabulary.PUBLIC_STATUSES, and of a
document's versions only those that were public when they were made), so no channel can show a
draft. Addresses are built from a base URL the caller gives (the edge knows the host).
"""

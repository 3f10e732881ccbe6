"""Documents that say the same: related documents for a text (stored term vectors kept by every
write, and the in-memory reference index) and the overlaps report, sharing one tf-idf."""

"""`tokenize`: `nlp.make_doc(text)` with spaCy's tokenizer cache actually used.

spaCy's Tokenizer caches how it split each whitespace-separated chunk, but within one call it
stops saving to the cache as soon as any chunk used a special case (a flag kept for the whole
call, not per chunk), and "\\n" is a special case.  In a report every call therefore caches almost
nothing, and every chunk runs the prefix, suffix and infix regexes again, in every document.

Tokenising each chunk not seen before in a call of its own lets spaCy cache it (by its own rule:
chunks that used a special case are still never cached); the whole-text call that follows then
finds the chunks in the cache.  The tokens are the ones the plain call gives, because a cached
chunk is exactly what the tokenizer produced for that chunk.

New chunks made only of letters are offered in one call, joined by single spaces (which split
nothing but the chunks): no affix rule splits letters and none of them is a special case, so
nothing in that call stops spaCy caching, and one call costs less than a Doc per word.  Should a
chunk ever break that rule, the chunks after it are merely left uncached.
"""

from __future__ import annotations

import itertools
import weakref

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["TOKENIZER_CACHE_SIZE", "tokenize"]

# Chunks spaCy may cache per process (its default, 10,000, is full after a few reports).  A
# chunk costs some 100 bytes between spaCy's entry and the record below that it was offered, so
# a full cache holds about 20 MB; past it, new chunks are tokenised uncached, as before.
TOKENIZER_CACHE_SIZE = 200_000

# Per pipeline: the chunks already offered to its tokenizer's cache.
_OFFERED: weakref.WeakKeyDictionary[Language, set[str]] = weakref.WeakKeyDictionary()


def tokenize(nlp: Language, text: str) -> Doc:
    """`nlp.make_doc(text)`, first putting the text's new chunks into the tokenizer's cache."""
    tokenizer = nlp.tokenizer
    offered = _OFFERED.setdefault(nlp, set())
    room = getattr(tokenizer, "max_cache_size", 0) - len(offered)
    if room > 0:
        new = set(text.split()) - offered
        words: list[str] = []
        specials = tokenizer.rules
        for chunk in itertools.islice(new, room):
            if chunk.isalpha() and chunk not in specials:
                words.append(chunk)
            else:
                tokenizer(chunk)  # the Doc is dropped: the call is for the cache entry it leaves
        if words:
            tokenizer(" ".join(words))
        offered.update(new)
    return nlp.make_doc(text)

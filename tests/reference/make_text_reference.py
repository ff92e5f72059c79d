#!/usr/bin/python3
"""scikit-learn reference values for the hashed character n-gram embedder
(src/text/ngram_embedder.hpp, tests/unit/test_ngram_embedder.cpp).

Regenerate (from the repository root; Debian's scikit-learn 1.2, which the `python3` on PATH
may not see):

    /usr/bin/python3 tests/reference/make_text_reference.py

The corpus is a fixed list of short English and Bangla lines with the cases the analyzer must
get right: runs of spaces, a tab, a line break, one-letter words, Latin capitals with accents,
Bengali vowel signs, virama, ZWJ and the danda, an empty document, a punctuation-only document
and a repeated document.

Two modes, both TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
norm="l2", smooth_idf=True, lowercase=True):
  char_wb        scikit-learn as it is: only whitespace ends a word
                 (the embedder with punctuation_breaks_words = false)
  char_wb_punct  preprocessor = lower-case, then every punctuation code point of the C++ list
                 (is_punct below, the same list as text::is_punctuation) becomes a space
                 (the embedder's default, punctuation_breaks_words = true)

Files written to tests/data/sklearn/ (prefix text_):
  text_corpus.csv   id,text: the corpus, every field quoted (RFC 4180)
  text_cosine.csv   mode,i,j,cosine: X @ X.T of the TF-IDF rows (rows are unit length, so this
                    is sklearn.metrics.pairwise.cosine_similarity; 0 beside an empty row)
  text_latin_lower.csv
                    cp,lower: Python's str.lower() of every code point below U+0180 whose lower
                    case is one code point (all but U+0130), as integers (text::latin_lower)
  text_ngrams.csv   mode,ngram,df: the fitted vocabulary_ (every distinct n-gram) and its
                    document frequency, every field quoted (n-grams start or end with spaces)
"""
import csv
import os

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from reference_io import OUT, write_rows

CORPUS = [
    "Like to have you 'round, with all the lies that you make",
    "Don't know quite which way to go!",
    "I  am\tthe one \u2014 who's gonna say: \"Hey!\"\nRight or wrong, you might get burned...",
    "Caf\u00e9 del Mar, \u00c9T\u00c9 \u00e0 PARIS",
    "What you gain is what you learn; what you went for is what you get",
    "\u0986\u09ae\u09be\u09b0 \u09b8\u09cb\u09a8\u09be\u09b0 \u09ac\u09be\u0982\u09b2\u09be, "
    "\u0986\u09ae\u09bf \u09a4\u09cb\u09ae\u09be\u09af\u09bc \u09ad\u09be\u09b2\u09cb\u09ac\u09be\u09b8\u09bf\u0964",
    "\u099a\u09bf\u09b0\u09a6\u09bf\u09a8 \u09a4\u09cb\u09ae\u09be\u09b0 \u0986\u0995\u09be\u09b6, "
    "\u09a4\u09cb\u09ae\u09be\u09b0 \u09ac\u09be\u09a4\u09be\u09b8, \u0986\u09ae\u09be\u09b0 "
    "\u09aa\u09cd\u09b0\u09be\u09a3\u09c7 \u09ac\u09be\u099c\u09be\u09af\u09bc \u09ac\u09be\u0981\u09b6\u09bf",
    "\u098f\u0987 \u09aa\u09a5 \u09af\u09a6\u09bf \u09a8\u09be \u09b6\u09c7\u09b7 \u09b9\u09af\u09bc, "
    "\u09a4\u09ac\u09c7 \u0995\u09c7\u09ae\u09a8 \u09b9\u09a4\u09cb \u09a4\u09c1\u09ae\u09bf "
    "\u09ac\u09b2\u09cb \u09a4\u09cb?",
    "\u0986\u09ae\u09bf \u09ac\u09be\u0982\u09b2\u09be\u09af\u09bc \u0997\u09be\u09a8 \u0997\u09be\u0987\u0964 "
    "\u0986\u09ae\u09bf \u09ac\u09be\u0982\u09b2\u09be\u09b0 \u0997\u09be\u09a8 \u0997\u09be\u0987\u0965",
    "\u09b0\u200d\u09cd\u09af\u09be\u09aa \u2014 \u09b0\u09ac\u09c0\u09a8\u09cd\u09a6\u09cd\u09b0"
    "\u09b8\u0982\u0997\u09c0\u09a4 \u09ad\u09be\u09b2\u09cb \u09b2\u09be\u0997\u09c7",
    "I love you, \u0986\u09ae\u09bf \u09a4\u09cb\u09ae\u09be\u09af\u09bc \u09ad\u09be\u09b2\u09cb"
    "\u09ac\u09be\u09b8\u09bf",
    "",
    "... !!! ???",
    "Like to have you 'round, with all the lies that you make",
]


# text::is_whitespace: the list must be exactly Python's str.isspace (what str.split uses).
def is_space(c):
    return (9 <= c <= 13 or 0x1C <= c <= 0x20 or c in (0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)
            or 0x2000 <= c <= 0x200A)


# text::is_punctuation, spelled the same way.
def is_punct(c):
    if c < 0x80:
        return 0x20 < c < 0x7F and not chr(c).isalnum()
    if 0xA1 <= c <= 0xBF:
        return c not in (0xAA, 0xAD, 0xB2, 0xB3, 0xB5, 0xB9, 0xBA, 0xBC, 0xBD, 0xBE)
    return c in (0xD7, 0xF7, 0x964, 0x965) or 0x2010 <= c <= 0x2027 or 0x2030 <= c <= 0x205E


def check_lists():
    assert all(is_space(c) == chr(c).isspace() for c in range(0x110000)), "whitespace list != str.isspace"
    # The punctuation list holds no letter, digit, mark or format character (those stay in words).
    for c in range(0x110000):
        if is_punct(c):
            assert chr(c).isprintable() and not chr(c).isalnum() and not chr(c).isspace(), hex(c)


def punct_to_space(doc):
    return "".join(" " if is_punct(ord(ch)) else ch for ch in doc.lower())


def vectorizer(mode):
    kw = dict(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, norm="l2", smooth_idf=True,
              lowercase=True)
    if mode == "char_wb_punct":
        kw["preprocessor"] = punct_to_space  # replaces sklearn's own lower-casing step
    return TfidfVectorizer(**kw)


def write_quoted(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writerow(header)
        w.writerows(rows)


def main():
    check_lists()
    write_rows("text_latin_lower.csv", ["cp", "lower"],
               [[c, ord(chr(c).lower())] for c in range(0x180) if len(chr(c).lower()) == 1])
    write_quoted("text_corpus.csv", ["id", "text"], [[i, doc] for i, doc in enumerate(CORPUS)])
    cosine_rows, ngram_rows = [], []
    for mode in ("char_wb", "char_wb_punct"):
        vec = vectorizer(mode)
        X = vec.fit_transform(CORPUS)
        C = (X @ X.T).toarray()
        n = len(CORPUS)
        cosine_rows += [[mode, i, j, C[i, j]] for i in range(n) for j in range(n)]
        df = np.asarray((X > 0).sum(axis=0)).ravel()
        ngram_rows += [[mode, g, int(df[k])] for g, k in sorted(vec.vocabulary_.items())]
        print(f"{mode}: {len(vec.vocabulary_)} distinct n-grams")
    write_rows("text_cosine.csv", ["mode", "i", "j", "cosine"], cosine_rows)
    write_quoted("text_ngrams.csv", ["mode", "ngram", "df"], ngram_rows)


if __name__ == "__main__":
    main()

/* Escaping for the output writers. Invalid UTF-8 in the input (source
 * files are not trusted to be UTF-8) comes out as U+FFFD. */
#ifndef VMIR_TRACE_ESCAPE_H
#define VMIR_TRACE_ESCAPE_H

#include "util.h"

/* A JSON string literal, quotes included; NULL gives null. */
void esc_json(sbuf *b, const char *s);
/* Text or attribute value content for HTML. */
void esc_html(sbuf *b, const char *s);
/* Text inside a Markdown table cell: '|' escaped, newlines as spaces. */
void esc_markdown_cell(sbuf *b, const char *s);
/* A URL fragment or path for href: spaces and unsafe bytes %-encoded. */
void esc_url_path(sbuf *b, const char *s);

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif

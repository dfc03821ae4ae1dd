/* The inline stylesheet and script of the HTML report (no network). */
#ifndef VMIR_TRACE_HTML_ASSETS_H
#define VMIR_TRACE_HTML_ASSETS_H

extern const char html_css[];
extern const char html_js[];

#endif

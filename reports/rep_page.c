/* rep_page — page skeleton, style sheet, tables and script of the report (see rep_page.h). */
#include "reports/rep_page.h"

#include <string.h>


/* ---- style: one column on narrow screens, two plots a row on a laptop; print on A4 -------- */

static const char style[] =
    "<style>\n"
    ":root{--fg:#1b1b1b;--mut:#666;--line:#ccc}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--fg);"
    "margin:0 auto;padding:12px 20px 40px;max-width:1280px}\n"
    "h1{font-size:22px;margin:8px 0 4px}h2{font-size:19px;border-bottom:2px solid #333;margin:28px 0 8px}"
    "h3{font-size:16px;margin:18px 0 6px}\n"
    "nav a{margin-right:12px}p.note{color:var(--mut);margin:4px 0}p.empty{font-style:italic;color:var(--mut)}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:14px}\n"
    "figure{margin:0;border:1px solid var(--line);border-radius:4px;padding:6px;break-inside:avoid}\n"
    "figcaption{font-size:12px;color:var(--mut)}\n"
    "svg.plot{width:100%;height:auto;display:block;font:11px system-ui,'DejaVu Sans',sans-serif}\n"
    "svg .title{font-size:13px;font-weight:600}svg .frame{fill:none;stroke:#444}svg .grid{stroke:#e6e6e6}\n"
    "svg .xt{text-anchor:middle;fill:#333}svg .yt{text-anchor:end;fill:#333}"
    "svg .xl,svg .yl{text-anchor:middle;font-size:12px}\n"
    "svg .m{stroke-width:1}svg .m.faint{fill:#888;stroke:none;fill-opacity:.28}"
    "svg .m.front{stroke:#000;stroke-width:.8}\n"
    "svg .m.hollow{fill:#fff !important;stroke-width:1.5}svg .ln{fill:none;stroke-width:1.6}"
    "svg .ln.dash{stroke-dasharray:5 3}\n"
    "svg .eb{fill:none;stroke-width:1;stroke-opacity:.6}svg .diag{fill:none;stroke:#555;stroke-dasharray:4 3}\n"
    "svg .bar{fill-opacity:.35;stroke-width:1}svg .base{fill:#d00;stroke:#000}\n"
    "svg .legend text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
    "svg .sw{stroke:none}\n"
    ".c0{fill:#0072b2;stroke:#0072b2}.c1{fill:#e69f00;stroke:#e69f00}.c2{fill:#009e73;stroke:#009e73}"
    ".c3{fill:#cc79a7;stroke:#cc79a7}.c4{fill:#56b4e9;stroke:#56b4e9}.c5{fill:#d55e00;stroke:#d55e00}"
    ".c6{fill:#7a6a00;stroke:#7a6a00}.c7{fill:#333;stroke:#333}\n"
    "table{border-collapse:collapse;font-size:12px;margin:6px 0;font-variant-numeric:tabular-nums}\n"
    "th,td{border:1px solid var(--line);padding:2px 6px;text-align:right}th{background:#f2f2f2}"
    "td.t{text-align:left}tr.front td{font-weight:600}\n"
    "details{margin:6px 0}summary{cursor:pointer;color:#0b57a4}pre{white-space:pre-wrap;font-size:12px;"
    "background:#f7f7f7;padding:8px;border:1px solid var(--line)}\n"
    ".wide{overflow-x:auto}\n"
    "#tip{position:absolute;display:none;background:#222;color:#fff;padding:3px 6px;border-radius:3px;"
    "font-size:12px;pointer-events:none;z-index:9}\n"
    "@media (max-width:700px){.grid{grid-template-columns:1fr}body{padding:8px}}\n"
    "@media print{body{max-width:none;padding:0;font-size:10pt}nav,#tip{display:none}summary{color:inherit}"
    ".grid{grid-template-columns:1fr 1fr;gap:8px}figure{border:none}section{break-before:page}"
    "section:first-of-type{break-before:auto}table{font-size:8pt}tr{break-inside:avoid}a{color:inherit}}\n"
    "</style>\n";

/* Hover labels from data-l, details unfolded for printing, and the completion mark. */
static const char script[] =
    "<div id=\"tip\"></div>\n<script>\n(function(){\n"
    "var tip=document.getElementById('tip');\n"
    "document.addEventListener('mouseover',function(e){var l=e.target.getAttribute&&e.target.getAttribute('data-l');"
    "if(l){tip.textContent=l;tip.style.display='block';}else{tip.style.display='none';}});\n"
    "document.addEventListener('mousemove',function(e){tip.style.left=(e.pageX+12)+'px';tip.style.top=(e.pageY+12)+'px';});\n"
    "window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});\n"
    "window.addEventListener('load',function(){document.body.setAttribute('data-load-ms',String(Math.round(performance.now())));});\n"
    "document.body.setAttribute('data-marks',String(document.querySelectorAll('svg.plot circle.m').length));\n"
    "document.body.setAttribute('data-js','ok');\n"
    "})();\n</script>\n";

/* ------------------------------------------------------------------------------------------ */

void rep_page_begin(strbuf *b, const char *title)
{
    strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>");
    rep_buf_esc(b, title);
    strbuf_puts(b, "</title>\n");
    strbuf_puts(b, style);
    strbuf_puts(b, "</head>\n<body>\n<h1>");
    rep_buf_esc(b, title);
    strbuf_puts(b, "</h1>\n");
}

void rep_page_end(strbuf *b)
{
    strbuf_puts(b, script);
    strbuf_puts(b, "</body>\n</html>\n");
}

void rep_section_begin(strbuf *b, const char *id, const char *title)
{
    strbuf_puts(b, "<section id=\"");
    rep_buf_esc(b, id);
    strbuf_puts(b, "\">\n<h2>");
    rep_buf_esc(b, title);
    strbuf_puts(b, "</h2>\n");
}

void rep_section_end(strbuf *b) { strbuf_puts(b, "</section>\n"); }
void rep_grid_begin(strbuf *b) { strbuf_puts(b, "<div class=\"grid\">\n"); }
void rep_grid_end(strbuf *b) { strbuf_puts(b, "</div>\n"); }
void rep_figure_begin(strbuf *b) { strbuf_puts(b, "<figure>\n"); }

void rep_figure_end(strbuf *b, const char *caption)
{
    strbuf_puts(b, "<figcaption>");
    rep_buf_esc(b, caption);
    strbuf_puts(b, "</figcaption>\n</figure>\n");
}

void rep_table_begin(strbuf *b, const char *summary, const char *columns, int open)
{
    strbuf_puts(b, open ? "<details open>" : "<details>");
    strbuf_puts(b, "<summary>");
    rep_buf_esc(b, summary);
    strbuf_puts(b, "</summary>\n<div class=\"wide\"><table>\n<tr>");
    const char *p = columns;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        char col[128];
        if (n >= sizeof col)
            n = sizeof col - 1;
        memcpy(col, p, n);
        col[n] = '\0';
        strbuf_puts(b, "<th>");
        rep_buf_esc(b, col);
        strbuf_puts(b, "</th>");
        p = bar ? bar + 1 : NULL;
    }
    strbuf_puts(b, "</tr>\n");
}

void rep_table_end(strbuf *b) { strbuf_puts(b, "</table></div></details>\n"); }

void rep_td(strbuf *b, const char *text)
{
    strbuf_puts(b, "<td class=\"t\">");
    rep_buf_esc(b, text);
    strbuf_puts(b, "</td>");
}

void rep_td_int(strbuf *b, long long v) { strbuf_printf(b, "<td>%lld</td>", v); }

void rep_td_fix(strbuf *b, double v, int decimals)
{
    strbuf_puts(b, "<td>");
    rep_buf_fix(b, v, decimals, "");
    strbuf_puts(b, "</td>");
}

void rep_note(strbuf *b, const char *cls, const char *text)
{
    if (cls) {
        strbuf_puts(b, "<p class=\"");
        rep_buf_esc(b, cls);
        strbuf_puts(b, "\">");
    } else {
        strbuf_puts(b, "<p>");
    }
    rep_buf_esc(b, text);
    strbuf_puts(b, "</p>\n");
}

/* test_xml — the strict XML reader: what it accepts (entities, attributes, CDATA,
 * comments, prolog) and every rejection naming the line. */
#include "check.h"
#include "util/err.h"
#include "validation/xml.h"

static int parse(const char *s, xml_doc **d) { return xml_parse(s, strlen(s), "t.xml", d); }

static void xml_should_read_elements_attributes_entities_and_cdata(void)
{
    const char *s = "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<a x=\"1 &amp; 2\" y='q'>\n"
                    "  <b>  &lt;3&gt; &#65;&#x42; </b>\n  <c><![CDATA[<raw>&]]></c>\n  <b>second</b><e/>\n</a>\n";
    xml_doc *d = NULL;
    CHECK_MSG(parse(s, &d) == 0, "%s", snac_err_msg());
    if (!d)
        return;
    const xml_node *a = xml_root(d);
    CHECK(strcmp(xml_name(d, a), "a") == 0);
    CHECK(strcmp(xml_attr(d, a, "x"), "1 & 2") == 0);
    CHECK(strcmp(xml_attr(d, a, "y"), "q") == 0);
    CHECK(xml_attr(d, a, "z") == NULL);
    const xml_node *b = xml_child(d, a, "b");
    CHECK(strcmp(xml_text(d, b), "<3> AB") == 0);
    CHECK(xml_line(d, b) == 4);
    CHECK(strcmp(xml_text(d, xml_child(d, a, "c")), "<raw>&") == 0);
    const xml_node *b2 = xml_next(d, b, "b");
    CHECK(b2 && strcmp(xml_text(d, b2), "second") == 0);
    CHECK(xml_child(d, a, "e") && strcmp(xml_text(d, xml_child(d, a, "e")), "") == 0);
    CHECK(xml_path(d, a, "b") == b && xml_path(d, a, "b/x") == NULL);
    xml_free(d);
    xml_free(NULL);
}

static void xml_should_reject_malformed_input_naming_the_line(void)
{
    static const struct { const char *in, *msg; } cases[] = {
        {"<a>\n<b>\n</a>", "t.xml:3: end tag </a> does not match <b> opened at line 2"},
        {"<a>\n<b>x</b>\n", "not closed"},
        {"", "no root element"},
        {"hello", "t.xml:1: text outside the root element"},
        {"<!DOCTYPE a [<!ENTITY e 'x'>]><a/>", "DTD"},
        {"<a>&e;</a>", "unknown entity"},
        {"<a>&#0;</a>", "bad character reference"},
        {"<a/><b/>", "second root element"},
        {"<a>t<b/></a>", "text mixed with child elements"},
        {"<a x=1/>", "quoted value"},
        {"<a x='1' x='2'/>", "duplicate attribute"},
        {"<a><!-- open", "unterminated comment"},
        {"<a", "unexpected end of file"},
        {"</a>", "without a start tag"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xml_doc *d = NULL;
        int rc = parse(cases[i].in, &d);
        CHECK_MSG(rc == SNAC_EFORMAT && d == NULL, "case %zu accepted", i);
        CHECK_STR_CONTAINS(snac_err_msg(), cases[i].msg);
    }
}

static void xml_should_limit_nesting_depth(void)
{
    char deep[4 * (XML_MAX_DEPTH + 2) + 1];
    size_t n = 0;
    for (int i = 0; i < XML_MAX_DEPTH + 1; i++)
        n += (size_t)sprintf(deep + n, "<a>");
    xml_doc *d = NULL;
    CHECK(xml_parse(deep, n, "t.xml", &d) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "nested deeper");
}

int main(void)
{
    TEST(xml_should_read_elements_attributes_entities_and_cdata);
    TEST(xml_should_reject_malformed_input_naming_the_line);
    TEST(xml_should_limit_nesting_depth);
    return check_report();
}

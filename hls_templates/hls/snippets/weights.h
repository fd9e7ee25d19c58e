{{HEADER_C}}
#ifndef {{GUARD}}
#define {{GUARD}}

// {{WHAT}}: {{COUNT}} values{{LAYOUT}}
{{QUAL}}{{TYPE}} {{NAME}}[{{COUNT}}] = {
{{VALUES}}
};

#endif

{{HEADER_C}}
#ifndef {{GUARD}}
#define {{GUARD}}

// {{WHAT}}: {{COUNT}} values{{LAYOUT}}
static const {{TYPE}} {{NAME}}[{{COUNT}}] = {
{{VALUES}}
};

#endif

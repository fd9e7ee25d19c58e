#include "firmware/weights/table_{{ACT}}.h"
struct {{ACT}}_table_config { // the model's table type and size, as an activation config says them
    static const unsigned table_size = {{TABLE_SIZE}};
    typedef {{TABLE_T}} table_t;
};

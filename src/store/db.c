#include "store/db.h"

/* Systems with no probe back end: the core and `analyze` still work there. */
#include "odx/backend.h"

const struct odx_backend *odx_backend_native(void)
{
    return NULL;
}

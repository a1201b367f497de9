// SPDX-License-Identifier: GPL-2.0
/* klp_helpers_patch.c built with -DKLP_SPLITTABLE (see there). */
#include "../klp_helpers_patch/klp_helpers_patch.c"

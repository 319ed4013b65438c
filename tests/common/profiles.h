// SPDX-License-Identifier: GPL-3.0-or-later
// An EndpointProfile in one line, for tests.
#pragma once

#include "backend/settings.h"

namespace ef::test {

inline EndpointProfile profile(const QString &name, const QString &url, const QString &model, const QString &keyEnv)
{
    EndpointProfile p;
    p.name = name;
    p.baseUrl = url;
    p.model = model;
    p.apiKeyEnv = keyEnv;
    return p;
}

} // namespace ef::test

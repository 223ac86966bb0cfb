// Shape checks: values that fill a secret's slot next to a secret's name but read as names
// (identifiers, paths), not as random bytes. Entropy cannot tell them apart (a 40-character
// CamelCase type name passes 4.0 bits/char); the way the characters are grouped can.
// Calibration (how often each check rejects a random real-format secret): docs/aws-detection.md.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

// Words joined by case changes, '_', '-' or '.': "AbstractSingletonProxyFactoryBeanProvider",
// "aws_secret_access_key_from_vault", "SECRET-ACCESS-KEY.production". Every piece reads as a
// word (a vowel, no long consonant run) or a short acronym or number.
bool looks_like_identifier(std::string_view v);
// '/'-separated segments that each read as words or numbers: file-system, SSM-parameter and
// S3-object paths ("/run/secrets/aws/prod/secretAccessKey", "config/2024/01/credentials.json").
bool looks_like_path(std::string_view v);
// Letters only (no digit, '+' or '/') with far fewer case changes than random text has:
// "SECRETACCESSKEYFORTHEDEPLOYMENTPIPELINES", "awssecretaccesskeyvalueforproduction".
bool looks_like_letters_only(std::string_view v);

// The first of `shapes` that `v` has, or nullptr.
const char* rejected_shape(const std::vector<std::string>& shapes, std::string_view v);

}  // namespace keyhound

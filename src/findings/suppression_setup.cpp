#include "findings/suppression_setup.h"

namespace keyhound {

// Config files, allowlists and baselines arrive with issue 6; until then only the inline
// marker (applied in finish_findings) suppresses.
Suppression load_suppression(const SuppressionInputs&) { return {}; }

}  // namespace keyhound

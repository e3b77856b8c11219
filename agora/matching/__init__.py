"""Partner matching: profiles, scoring with explanations, potential-benefit analysis."""

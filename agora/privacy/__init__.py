"""Privacy: each event's notice, people's own data, organisers' exports and erasures, retention."""

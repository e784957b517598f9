"""The built-in papers, each an exactmd plug-in (exactmd/papers/<paper>/)."""

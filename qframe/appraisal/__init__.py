"""Staff appraisal, revalidation and the leadership pipeline."""

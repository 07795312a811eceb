-- Every possible raw value of a criterion must fall in a band, or a known value would get
-- no score. With no overlap (assert_scoring_bands_do_not_overlap) the bands cover the
-- number line when exactly one band has no lower bound, exactly one has no upper bound,
-- every band is non-empty, and every finite max_value is the min_value of another band.
-- Also every configured criterion must have bands at all.
{{ scoring_bands_cover_every_value('scoring_criteria', 'scoring_bands') }}

-- Integer n / d rounded half to even (d > 0): converted report amounts are rounded in SQL exactly as
-- in TypeScript (rates/rate-math.ts divideHalfEven), so a year of daily sums never leaves the database.
CREATE FUNCTION div_half_even(n numeric, d numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT div(n, d) + CASE WHEN 2 * abs(mod(n, d)) > d OR (2 * abs(mod(n, d)) = d AND mod(div(n, d), 2) <> 0) THEN sign(n) ELSE 0 END
$$;

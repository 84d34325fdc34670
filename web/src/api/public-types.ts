/**
 * The public answers the pages read (api.md, "The open call"): one place for their shapes, as
 * src/engine/public/queries.ts writes them.
 */

/** A call in the public list. */
export interface PublicItem {
  id: string;
  title: string;
  kind: string;
  domain: string;
  summary: string;
  issuerName: string;
  districtName: string;
  indicators: string[];
  periodMonths: number;
  solverFundingCny: number;
  biddingClosesAt: string | null;
  stage: string;
}

/** One call's public page. */
export interface PublicDetail extends PublicItem {
  publishedAt: string;
  biddingOpen: boolean;
  contacts: { office: string; name: string; phones: string[] }[];
  horseRace: { routes: { name: string; investmentCny: number }[] } | null;
  notice: { noticeEndsAt: string | null; objectionsOpen: boolean } | null;
}

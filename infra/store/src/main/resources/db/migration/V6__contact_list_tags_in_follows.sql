-- A contact list's p tags are no longer indexed in event_tags: the follows table holds exactly the current lists'
-- follows, and #p filters on kind 3 are answered from it. Rows written before this version go.
DELETE FROM event_tags WHERE kind = 3 AND name = 'p';

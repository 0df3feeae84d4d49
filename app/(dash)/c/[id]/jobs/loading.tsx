import { TabLoading } from "@/components/ui/tab-loading";

// Each tab has its own loading state; the keys page has none on purpose: it renders in the first HTML, with
// its first rows, instead of streaming in behind a fallback that the browser reveals a frame or more later.
export default TabLoading;
